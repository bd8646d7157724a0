/**
 * NGSI-LD errors (ETSI GS CIM 009, 5.5.2): ProblemDetails whose `type` is one of the ETSI error
 * type URIs, so FIWARE clients that switch on the type keep working against Madina.
 */
export const NGSI_ERROR_TYPES = {
  InvalidRequest: 400,
  BadRequestData: 400,
  ResourceNotFound: 404,
  AlreadyExists: 409,
  OperationNotSupported: 422,
  NonexistentTenant: 404,
  NotAcceptable: 406,
  UnsupportedMediaType: 415,
  Unauthorized: 401,
  Forbidden: 403,
  InternalError: 500,
} as const;

export type NgsiErrorType = keyof typeof NGSI_ERROR_TYPES;

export const ERROR_URI = 'https://uri.etsi.org/ngsi-ld/errors/';

/** An error an NGSI-LD handler throws; the router turns it into application/problem+json (or json). */
export class NgsiError extends Error {
  readonly status: number;
  constructor(
    readonly type: NgsiErrorType,
    /** Technical, in English: what the client sent wrong (the title is translated). */
    readonly detail: string,
    /** When HTTP has a more precise status than the type's (413 for a body over the limit). */
    status?: number,
  ) {
    super(detail);
    this.name = 'NgsiError';
    this.status = status ?? NGSI_ERROR_TYPES[type];
  }
}

export const badRequest = (detail: string) => new NgsiError('BadRequestData', detail);
export const invalidRequest = (detail: string) => new NgsiError('InvalidRequest', detail);
export const notFound = (detail: string) => new NgsiError('ResourceNotFound', detail);
