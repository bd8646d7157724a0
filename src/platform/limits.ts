/** Limits shared by the server's schemas and the web client's forms: one source for both. */
export const LIMITS = {
  passwordMin: 10,
  // argon2 hashes the whole input: a cap keeps a huge password from costing the server.
  passwordMax: 256,
  emailMax: 254,
  displayNameMax: 120,
  codeMax: 63,
  nameMax: 200,
  pageSizeDefault: 50,
  pageSizeMax: 200,
  apiKeyNameMax: 100,
  searchMax: 100,
  // The citizens' portal: news the commune publishes, and its offices' contacts and hours.
  announcementTitleMax: 200,
  announcementBodyMax: 10_000,
  officeNameMax: 200,
  officeAddressMax: 500,
  officeNoteMax: 1_000,
  /** Opening periods of one office: three a day for a whole week. */
  officeHoursMax: 21,
  phoneMax: 20,
  // Citizen reports and the work orders that fix them.
  descriptionMax: 4_000,
  addressMax: 300,
  attributeValueMax: 1_000,
  photosPerReport: 5,
  photosPerWorkOrder: 10,
  /** Bytes of one uploaded photo, before re-encoding. */
  photoBytesMax: 10 * 1024 * 1024,
  workOrderTitleMax: 200,
  checklistMax: 50,
  checklistLabelMax: 200,
  // Administrative e-services (Law 55.19): fiches, requests, decisions. FIELD_LIMITS in
  // src/modules/eservices/procedure.ts holds the limits of a request's answers and attachments.
  eservicesNameMax: 300,
  eservicesSummaryMax: 2_000,
  eservicesLegalReferencesMax: 20,
  /** A decision's reasons, an appeal, a completion request's message, an appeal's answer. */
  eservicesReasonsMax: 4_000,
  eservicesFeeMaxMad: 1_000_000,
  /** Requests (drafts) an anonymous caller may create per address per hour. */
  eservicesRequestsPerHour: 30,
  /** Wrong tracking secrets (or unknown verification codes) per address per hour before 429. */
  eservicesTrackingFailuresPerHour: 20,
  /** The longest extension of a deadline (art 17), in days. */
  eservicesExtensionDaysMax: 60,
  /** A draft untouched this many days is deleted with its attachments (the portal says so). */
  eservicesDraftDays: 30,
} as const;

/**
 * What a text people write may hold (the server's `plainText` schemas and the web's checks): `line`
 * is one line (no control character), `text` may keep line breaks and tabs; both need one visible
 * character. Strings, so a JSON Schema `pattern` and a RegExp read the same thing; both run in
 * linear time (no nested quantifiers), whatever the input.
 */
export const TEXT_PATTERNS = {
  line: '^(?=[\\s\\S]*\\S)[^\\u0000-\\u001F\\u007F-\\u009F]*$',
  text: '^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$',
} as const;
