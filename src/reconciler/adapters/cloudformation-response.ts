import { CustomResourceAnswer, CustomResourceRequest } from '../core/lifecycle';

/** CloudFormation shows at most this much of a reason (the response object is limited to 4096 bytes). */
const MAX_REASON = 3000;

/**
 * Answers a custom resource request: a PUT of the response object to the pre-signed ResponseURL.
 * The Content-Type must be empty, as the URL was signed without one (CloudFormation user guide,
 * "Custom resource response objects"; cfn-response sends `content-type: ''`).
 */
export async function answerCloudFormation(request: CustomResourceRequest, answer: CustomResourceAnswer): Promise<void> {
  const body = JSON.stringify({
    Status: answer.status,
    Reason: (answer.reason ?? answer.status).slice(0, MAX_REASON),
    PhysicalResourceId: answer.physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
  let lastError: unknown;
  // The URL stays valid for two hours; a network fault is worth a few more tries.
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const response = await fetch(request.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
      if (response.ok) return;
      lastError = new Error(`the response URL answered HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
  }
  throw lastError;
}
