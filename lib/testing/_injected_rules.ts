// The rules injected into an emulator (its faults, its webhook faults), kept in the order given,
// each with the handle `inject` returns: the rule, how often it has struck, and a way to take it out.

/** The handle of one injected rule. */
export interface InjectedHandle<R> {
  readonly rule: R;
  readonly hits: number;
  remove(): void;
}

/** Injected rules, in the order given; `hits` counts the times one struck. */
export class InjectedRules<A extends { readonly rule: unknown; hits: number }> {
  #items: A[] = [];

  /** The rules, in the order given. */
  get items(): readonly A[] {
    return this.#items;
  }

  /** Keeps `active`, and gives its handle. */
  add(active: A): InjectedHandle<A["rule"]> {
    this.#items.push(active);
    return {
      rule: active.rule,
      get hits() {
        return active.hits;
      },
      remove: () => {
        this.#items = this.#items.filter((item) => item !== active);
      },
    };
  }

  /** Takes every rule out. */
  clear(): void {
    this.#items = [];
  }
}
