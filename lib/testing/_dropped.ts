// A connection that drops with no answer. The request pipeline throws it: `emulator.fetch`
// rejects with it, and a served emulator cuts the connection instead of answering.

/** Thrown inside the handler to make the connection drop with no answer. */
export class DroppedConnection extends TypeError {
  constructor(message = "The emulator dropped the connection (an injected fault)") {
    super(message);
    this.name = "TypeError";
  }
}
