/**
 * `lab-setup`: the lab index asks the page to set a lab up — open a socket in the workspace, run a
 * scenario of the sticky-packet lab, or show one of the course labs. `<sockgate-app>` (workspace
 * and sticky lab) and `<course-labs>` (its own labs) act on it.
 */
import type { OpenRequest } from '../new-socket-dialog.js';
import type { ScenarioId } from './scenarios.js';
import type { UdpScenarioId } from './udp-scenarios.js';

/** What to set up. `course` names one of `COURSE_LAB_IDS`. */
export type LabSetup =
  | { view: 'workspace'; request: OpenRequest }
  | { view: 'lab'; scenario: ScenarioId | UdpScenarioId | 'states' }
  | { view: 'course'; lab: string };

/** Bubbles and crosses shadow roots up to the element that acts on it. */
export class LabSetupEvent extends Event {
  static readonly type = 'lab-setup';
  constructor(readonly setup: LabSetup) {
    super(LabSetupEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'lab-setup': LabSetupEvent;
  }
}
