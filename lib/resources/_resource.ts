// The base of every resource class: it holds the client's transport, so that each resource is only
// its methods.

import type { Transport } from "../transport/_transport.ts";

/** @ignore The base of every resource class. */
export abstract class Resource {
  readonly #transport: Transport;

  /**
   * @ignore Made by `LambdaCloudClient`, one per resource.
   * @param transport The client's HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** @ignore The client's HTTP core. */
  protected get transport(): Transport {
    return this.#transport;
  }
}
