// Errors the login page can turn into a message; `code` is stable.
//   not_pkcs12, bad_password, unsupported_pfx, no_key, unsupported_key,
//   no_webcrypto, bad_input
export class EsignClientError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "EsignClientError";
    this.code = code;
  }
}
