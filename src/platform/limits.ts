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
} as const;
