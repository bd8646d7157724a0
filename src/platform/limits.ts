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
} as const;
