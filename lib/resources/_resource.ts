// The base of every resource class: it holds the client's transport, so that each resource is only
// its methods.

import type { RequestOptions } from "../options.ts";
import type { OperationResponse } from "../raw_request.ts";
import type { OperationId } from "../spec/operations.ts";
import { POLICY } from "../spec/policy.ts";
import type { Transport } from "../transport/_transport.ts";
import { snapshotBody } from "../_validate.ts";

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

  /**
   * @ignore Sends operation `id` with a snapshot of `body` (and `path`), once the snapshot passes
   * `check`: what was checked is what is sent, whatever the caller's object does afterwards.
   */
  protected async sendChecked<Id extends OperationId, B>(
    id: Id,
    body: B,
    check: (body: B) => void,
    options: RequestOptions | undefined,
    path?: Readonly<Record<string, string>>,
  ): Promise<OperationResponse<Id>> {
    const snapshot = snapshotBody(POLICY[id].action, body);
    check(snapshot);
    return await this.#transport.call<OperationResponse<Id>>(id, { path, body: snapshot }, options);
  }
}
