/**
 * Reading back what was written and comparing it with the spec.
 *
 * A successful import is not proof of a published API: users of other tools report imports that
 * "succeeded" and left the API with zero operations, or with the operations of a previous spec. So
 * after every write we list the operations and read the policy back, and any difference fails the run
 * with the diff.
 */
import type { ArmClient } from "./arm.js";
import { diffOperations, type OperationDiff, operationsMatch, samePolicy } from "./plan.js";
import { type ApimTarget, apiProperties, paths, readOperations, readPolicy } from "./state.js";
import type { OperationSignature } from "./upload-spec.js";

/** Outcome of a verification; `problems` is empty when everything matches. */
export interface VerifyResult {
  apiId: string;
  operations: OperationDiff;
  policyMatches: boolean;
  problems: string[];
}

const describe = (op: OperationSignature) => `${op.method} ${op.urlTemplate} (${op.name})`;

/** Lists the API's operations and reads its policy, and compares both with what was published. */
export async function verifyApi(
  arm: ArmClient,
  target: ApimTarget,
  apiId: string,
  wanted: { operations: OperationSignature[]; policyXml: string },
): Promise<VerifyResult> {
  const operations = diffOperations(await readOperations(arm, target, apiId), wanted.operations);
  const policyMatches = samePolicy(await readPolicy(arm, target, apiId), wanted.policyXml);
  const problems: string[] = [];
  if (!operationsMatch(operations)) {
    const lines = [
      ...operations.added.map((op) => `  missing in APIM: ${describe(op)}`),
      ...operations.removed.map((op) => `  not in the spec: ${describe(op)}`),
      ...operations.changed.map(
        ({ from, to }) => `  differs: APIM has ${describe(from)}, spec has ${describe(to)}`,
      ),
    ];
    problems.push(
      `API ${apiId} has ${operations.unchanged + operations.removed.length + operations.changed.length} operations, the spec ${wanted.operations.length}; differences:\n${lines.join("\n")}`,
    );
  }
  if (!policyMatches) problems.push(`API ${apiId}: the stored policy differs from the rendered policy`);
  return { apiId, operations, policyMatches, problems };
}

/** The revision number APIM reports as current (after a release), or `undefined` when the API is gone. */
export async function readCurrentRevision(arm: ArmClient, target: ApimTarget): Promise<string | undefined> {
  const api = (await arm.get(paths.api(target))) as { properties?: Record<string, unknown> } | undefined;
  return api ? apiProperties(api).apiRevision : undefined;
}
