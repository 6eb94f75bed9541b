/**
 * `<course-labs>`: the course's labs beyond sticky packets, one at a time, picked from a list
 * on the left (each entry names the lab and what it shows). Each lab is its own element; only the
 * chosen one is in the page, so a lab's sockets and polls end when another is chosen.
 */
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { localized, msg } from '../i18n.js';
import { controls } from '../theme.js';
import './concurrency-lab.js';
import './subnet-lab.js';
import './http-lab.js';
import './lab-index.js';
import './feiq-lab.js';
import type { LabSetupEvent } from './lab-setup-event.js';
import { courseLabStyles } from './course-lab.styles.js';

/** The labs of this view, in the order listed. */
export const COURSE_LAB_IDS = ['index', 'concurrency', 'subnets', 'http', 'feiq'] as const;
/** One of {@link COURSE_LAB_IDS}. */
export type CourseLabId = (typeof COURSE_LAB_IDS)[number];

const KEY = 'sockgate.courseLab';

const labs = (): Record<CourseLabId, { title: string; summary: string }> => ({
  index: {
    title: msg('All labs', { id: 'lab.index.all.title' }),
    summary: msg('Every lab of the course: its code, one click to set it up, what to look at.', { id: 'lab.index.all.summary' }),
  },
  concurrency: {
    title: msg('Loop vs threaded vs select servers', { id: 'lab.index.concurrency.title' }),
    summary: msg('Several clients at once; the loop server\'s second client waits in the accept queue.', { id: 'lab.index.concurrency.summary' }),
  },
  subnets: {
    title: msg('Subnets', { id: 'lab.index.subnets.title' }),
    summary: msg('Address AND mask in binary: network, broadcast, hosts; same subnet or not.', { id: 'lab.index.subnets.summary' }),
  },
  http: {
    title: msg('HTTP by hand', { id: 'lab.index.http.title' }),
    summary: msg('Write a request over TCP and read the raw response; serve a page another tab or curl can hit.', { id: 'lab.index.http.summary' }),
  },
  feiq: {
    title: msg('FeiQ / IPMSG', { id: 'lab.index.feiq.title' }),
    summary: msg('UDP 2425 in GBK: every packet decoded, the entry broadcast and who answers, messages with their receipts.', { id: 'lab.index.feiq.summary' }),
  },
});

/** The course labs view. */
@customElement('course-labs')
@localized()
export class CourseLabs extends LitElement {
  static override styles = [
    controls,
    courseLabStyles,
    css`
      :host { display: grid; grid-template-columns: 260px minmax(0, 1fr); gap: 16px; padding: 16px 20px; box-sizing: border-box; max-width: 1500px; }
      nav { display: grid; gap: 6px; align-content: start; }
      nav button { display: block; height: auto; white-space: normal; text-align: left; padding: 8px 10px; }
      nav button[aria-current='true'] { border-color: var(--accent); box-shadow: inset 3px 0 0 var(--accent); }
      nav b { display: block; font-size: 14px; }
      nav small { display: block; color: var(--muted); font-size: 12px; line-height: 1.35; }
      /* Narrow windows: the list becomes a row of titles above the lab, which gets the full width. */
      @media (max-width: 1000px) {
        :host { grid-template-columns: minmax(0, 1fr); padding: 10px 12px; gap: 10px; }
        nav { display: flex; flex-wrap: wrap; gap: 6px; }
        nav button { padding: 4px 10px; }
        nav small { display: none; }
      }
    `,
  ];

  @state() private lab: CourseLabId = (COURSE_LAB_IDS as readonly string[]).includes(sessionStorage.getItem(KEY) ?? '') ? (sessionStorage.getItem(KEY) as CourseLabId) : 'index';

  /** The lab was asked for by the index: it sets itself up (the FeiQ lab binds its port). */
  @state() private setUp = false;

  /** Shows one lab. */
  show(id: CourseLabId, setUp = false): void {
    this.lab = id;
    this.setUp = setUp;
    sessionStorage.setItem(KEY, id);
  }

  /** The index asks for one of these labs: show it here; anything else goes on up to the app. */
  #onSetup(e: LabSetupEvent): void {
    const lab = e.setup.view === 'course' ? e.setup.lab : '';
    if (!(COURSE_LAB_IDS as readonly string[]).includes(lab)) return;
    e.stopPropagation();
    this.show(lab as CourseLabId, true);
  }

  #content() {
    switch (this.lab) {
      case 'index':
        return html`<lab-index></lab-index>`;
      case 'concurrency':
        return html`<concurrency-lab></concurrency-lab>`;
      case 'subnets':
        return html`<subnet-lab></subnet-lab>`;
      case 'http':
        return html`<http-lab></http-lab>`;
      case 'feiq':
        return html`<feiq-lab ?autostart=${this.setUp}></feiq-lab>`;
    }
  }

  override render() {
    const all = labs();
    return html`
      <nav aria-label=${msg('Course labs', { id: 'lab.index.nav' })}>
        ${COURSE_LAB_IDS.map(
          (id) => html`<button data-testid="course-lab-${id}" aria-current=${this.lab === id ? 'true' : 'false'} @click=${() => this.show(id)}>
            <b>${all[id].title}</b><small>${all[id].summary}</small>
          </button>`,
        )}
      </nav>
      <section data-testid="course-lab-view" data-lab=${this.lab} @lab-setup=${this.#onSetup}>${this.#content()}</section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'course-labs': CourseLabs;
  }
}
