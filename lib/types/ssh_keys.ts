// The shapes of SSH keys, as Lambda's API sends and takes them.

/**
 * A stored SSH key that can be used to access instances over SSH.
 */
export interface SshKey {
  /** The unique identifier (ID) of the SSH key. */
  id: string;
  /** The name of the SSH key (1 to 64 characters). */
  name: string;
  /** The public key for the SSH key. */
  public_key: string;
}

/**
 * A key pair that Lambda generated. The private key is shown this once and never again.
 */
export interface GeneratedSshKey extends SshKey {
  /**
   * The private key generated in the SSH key pair. Store this value locally; Lambda does not retain
   * the private key server-side.
   */
  private_key: string;
}

/**
 * The body of `client.sshKeys.create()`.
 */
export interface CreateSshKeyRequest {
  /** The name of the SSH key (1 to 64 characters). Names must be unique in the account. */
  name: string;
  /**
   * The public key to store (1 to 4096 characters). Omit it to have Lambda generate a new key pair.
   */
  public_key?: string;
}
