/**
 * The grant as a plan: what the workspace lacks compared with what the gateway's identity needs, as
 * an ordered list of writes. An empty plan means "no changes"; applying writes exactly these steps,
 * and the read-back is the same comparison again, which must come out empty.
 */
import {
  type AdminClient,
  activateServicePrincipal,
  addToGroup,
  createGroup,
  createServicePrincipal,
  type WorkspaceState,
} from "./workspace.js";

/** What the grant must achieve. */
export interface Desired {
  appId: string;
  displayName: string;
  group: string;
  entitlements: string[];
}

/** One write. */
export type Step =
  | { action: "create-service-principal"; applicationId: string; displayName: string }
  | { action: "activate-service-principal"; id: string }
  | { action: "create-group"; displayName: string; entitlements: string[] }
  | { action: "add-group-entitlements"; group: string; entitlements: string[] }
  | { action: "add-group-member"; group: string; applicationId: string };

/** Pure: the writes that take `state` to `desired`, in the order they must run. */
export function computeGrantPlan(state: WorkspaceState, desired: Desired): Step[] {
  const steps: Step[] = [];
  const sp = state.servicePrincipal;
  if (!sp)
    steps.push({
      action: "create-service-principal",
      applicationId: desired.appId,
      displayName: desired.displayName,
    });
  else if (sp.active === false && sp.id) steps.push({ action: "activate-service-principal", id: sp.id });
  const group = state.group;
  if (!group)
    steps.push({ action: "create-group", displayName: desired.group, entitlements: desired.entitlements });
  else {
    const has = new Set((group.entitlements ?? []).map((e) => e.value));
    const missing = desired.entitlements.filter((e) => !has.has(e));
    if (missing.length > 0)
      steps.push({ action: "add-group-entitlements", group: desired.group, entitlements: missing });
  }
  const member = !!sp?.id && !!group?.members?.some((m) => m.value === sp.id);
  if (!member) steps.push({ action: "add-group-member", group: desired.group, applicationId: desired.appId });
  return steps;
}

/** One line per step, for the log. */
export function describeStep(step: Step): string {
  switch (step.action) {
    case "create-service-principal":
      return `+ create service principal ${step.applicationId} "${step.displayName}" (active)`;
    case "activate-service-principal":
      return `~ activate service principal ${step.id} (active: false → true)`;
    case "create-group":
      return `+ create group "${step.displayName}" with entitlements ${step.entitlements.join(", ")}`;
    case "add-group-entitlements":
      return `~ add entitlements ${step.entitlements.join(", ")} to group "${step.group}"`;
    case "add-group-member":
      return `~ add service principal ${step.applicationId} to group "${step.group}"`;
  }
}

/** Applies `steps` in order; ids created by earlier steps feed later ones. Calls `done` after each. */
export async function applyGrantPlan(
  client: AdminClient,
  state: WorkspaceState,
  steps: Step[],
  done: (step: Step) => void,
): Promise<void> {
  let spId = state.servicePrincipal?.id;
  let groupId = state.group?.id;
  for (const step of steps) {
    switch (step.action) {
      case "create-service-principal":
        spId = (await createServicePrincipal(client, step.applicationId, step.displayName))?.id;
        break;
      case "activate-service-principal":
        await activateServicePrincipal(client, step.id);
        break;
      case "create-group":
        groupId = (await createGroup(client, step.displayName, step.entitlements))?.id;
        break;
      case "add-group-entitlements":
        await addToGroup(client, groupId ?? "", { entitlements: step.entitlements });
        break;
      case "add-group-member":
        if (!spId || !groupId) throw new Error("the workspace did not return the ids of what it created");
        await addToGroup(client, groupId, { member: spId });
        break;
    }
    done(step);
  }
}
