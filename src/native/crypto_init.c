/*
 * OpenSSL, the cipher library behind encrypted workspaces, set up lean before `main`.
 *
 * SQLCipher seeds its own generator from OpenSSL's the first time SQLite is set up, and every start of assay does
 * that before its first frame, whether the workspace is encrypted or not. OpenSSL's default set-up then also
 * loads its error texts (thousands of strings, hashed into a table) and enters every cipher and digest into its
 * legacy name table, which its name map then reads back whole: on this set-up's own measurement, 0.45 of the
 * 0.8 ms that first call takes.
 *
 * assay needs neither:
 * - nothing looks a cipher or a digest up by a legacy name: SQLCipher takes AES-256-CBC and the SHA digests as
 *   objects, and fetches HMAC and PBKDF2 from OpenSSL's provider by the provider's own names;
 * - OpenSSL's error texts would only ever appear in SQLCipher's log, which assay turns off (it would write over
 *   the screen); an error still has its number, which `openssl errstr` turns into its text.
 *
 * The generator itself is OpenSSL's Hash DRBG over SHA-256 rather than its default, the CTR DRBG over AES-256: two
 * of the generators of NIST SP 800-90A, of the same 256-bit strength, but setting up the CTR one builds OpenSSL's
 * table of every cipher it has (the Hash one, its table of digests: 28 against 116), and a start of assay on a
 * workspace that is not encrypted uses no cipher at all: the first call took 0.17 ms instead of 0.34–0.43 (and
 * asking for the Hash one 0.04 ms).
 *
 * The same options apply to every program built from this crate (the workbench, the commands, the tests), so the
 * encrypted workspaces the tests open are opened as a user's are.
 */
#include <openssl/crypto.h>
#include <openssl/rand.h>

#if defined(__GNUC__) || defined(__clang__)
__attribute__((constructor)) static void assay_openssl_lean(void) {
    /* Settled once per process: a later call asking for more is a no-op for these options. The result is not
       needed: if this fails, OpenSSL sets itself up its default way at its first use, as it did before. */
    (void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ADD_ALL_CIPHERS
                                  | OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
                              NULL);
    /* Before the first random bytes are asked for, which is when the generator is made; if refused, OpenSSL makes
       its default one. */
    (void)RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA2-256");
}
#endif
