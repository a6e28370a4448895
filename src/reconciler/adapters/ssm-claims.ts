import { SSMClient, paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import { SsmDocumentStore } from './ssm-document-store';
import { claimsPath } from '../contract';
import { ClaimsDocument } from '../core/claims';
import { ClaimsPort } from '../core/ports';
import { RateLimiter } from '../core/rate-limiter';

/**
 * The claims of the automations on one instance, as SSM documents under `claimsPath(instance)`:
 * this automation's under its bus name, every other one's found by listing the path. A document
 * that cannot be read is an error (the caller then deletes nothing it might contest).
 */
export class SsmClaims implements ClaimsPort {
  private readonly root: string;

  constructor(private readonly client: SSMClient, instanceId: string, readonly automation: string, private readonly writes?: RateLimiter) {
    this.root = claimsPath(instanceId);
  }

  async read(): Promise<{ own?: ClaimsDocument; siblings: ClaimsDocument[] }> {
    const automations = new Set<string>();
    for await (const page of paginateGetParametersByPath({ client: this.client }, { Path: this.root, Recursive: true })) {
      for (const p of page.Parameters ?? []) {
        const match = new RegExp(`^${this.root}/([^/]+)/head$`).exec(p.Name ?? '');
        if (match) automations.add(match[1]);
      }
    }
    const documents = await Promise.all([...automations].map(async (name) => {
      const document = await new SsmDocumentStore(this.client, `${this.root}/${name}`).read() as ClaimsDocument | undefined;
      if (document !== undefined && (document.version !== 1 || typeof document.claims !== 'object')) {
        throw new Error(`the claims of automation ${name} are in an unknown format`);
      }
      return document;
    }));
    const found = documents.filter((d): d is ClaimsDocument => d !== undefined);
    return { own: found.find((d) => d.automation === this.automation), siblings: found.filter((d) => d.automation !== this.automation) };
  }

  async publish(document: ClaimsDocument): Promise<void> {
    await new SsmDocumentStore(this.client, `${this.root}/${this.automation}`, this.writes).write(document);
  }
}
