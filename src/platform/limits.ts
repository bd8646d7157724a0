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
} as const;
