import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * For a view whose data has no push (the room list, the overview): loads
 * it when the view is shown, then every `ms` while it is shown.
 */
export class Refresh implements ReactiveController {
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    host: ReactiveControllerHost,
    private readonly load: () => Promise<void>,
    private readonly ms: number,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    void this.load();
    this.#timer = setInterval(() => void this.load(), this.ms);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
