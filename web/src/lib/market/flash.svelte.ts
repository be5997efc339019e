/**
 * A one-time message carried across a navigation ("Order placed" shown on
 * /orders after buying on a listing page). The next page takes it, so it shows
 * once and is gone on reload.
 */
export class Flash {
  message = $state<string | null>(null);

  show(message: string): void {
    this.message = message;
  }

  take(): string | null {
    const message = this.message;
    this.message = null;
    return message;
  }
}

export const flash = new Flash();
