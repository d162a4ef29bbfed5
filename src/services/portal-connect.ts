/**
 * The portal's "connect" step: the ways a customer can hand over their bank data, in the order the
 * page lists them. This is the extension point for the connect flows (an open-banking aggregator behind
 * the adapter interface, ValidiFI CONNECT, statement uploads): each is a ConnectMethod added to the list
 * given to PortalService (src/gateway.ts), and the page `/p/<slug>/connect` (src/http/portal-routes.ts,
 * view portal/connect.eta) lists those `available` for the session, each a link to `/p/<slug>/connect/<id>`,
 * where `start` decides what happens next. When the flow has an assessment, it calls
 * PortalService.complete(session_id, assessment_id), which ends the session, queues the
 * `portal.assessment_completed` webhook and says where to send the customer.
 */
export interface ConnectSession {
  sessionId: string;
  partnerId: string;
  customerRef: string;
  /** The name and email the customer confirmed at sign-up. */
  name: string;
  email: string;
}

export interface ConnectMethod {
  /** A short id, in the method's path (`/p/<slug>/connect/<id>`): a–z, 0–9 and `-`. */
  id: string;
  /** The link's text, e.g. "Connect your bank". */
  label: string;
  /** One sentence under it: what the customer will do and what is shared. */
  description: string;
  /** Whether the method can be offered for this session (e.g. the partner has the provider's credentials). */
  available(s: ConnectSession): Promise<boolean>;
  /** Where the customer's browser goes to start it (a path on the gateway, or the provider's https URL). */
  start(s: ConnectSession): Promise<string>;
}
