/** One request received on `POST /webhooks/<name>`. */
export interface WebhookDelivery {
  readonly name: string;
  /** The parsed JSON body. */
  readonly body: unknown;
  /** Simulated epoch milliseconds of receipt. */
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Stands in for a Microsoft Teams Workflows webhook (the URL a Workflows "When a Teams webhook
 * request is received" trigger gives). Like that endpoint it accepts a JSON POST and answers
 * 202 Accepted with an empty body. The recorder only stores what it receives.
 */
export class WebhookRecorder {
  private readonly received: WebhookDelivery[] = [];
  private readonly failing = new Map<string, { remaining: number; status: number }>();

  /** Deliveries, all or to one webhook name, in arrival order. */
  public deliveries(name?: string): readonly WebhookDelivery[] {
    return name === undefined ? [...this.received] : this.received.filter((d) => d.name === name);
  }

  /** URL of a webhook on this simulator. */
  public url(endpoint: string, name: string): string {
    return `${endpoint}/webhooks/${encodeURIComponent(name)}`;
  }

  /** Makes the next `count` deliveries to `name` fail with HTTP `status` (not recorded). */
  public failNext(name: string, count: number, status = 500): void {
    this.failing.set(name, { remaining: count, status });
  }

  public clear(): void {
    this.received.length = 0;
  }

  /** @internal Returns the HTTP status to answer. */
  public receive(delivery: WebhookDelivery): number {
    const failure = this.failing.get(delivery.name);
    if (failure && failure.remaining > 0) {
      failure.remaining--;
      return failure.status;
    }
    this.received.push(delivery);
    return 202;
  }
}
