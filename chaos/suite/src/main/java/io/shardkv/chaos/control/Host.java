package io.shardkv.chaos.control;

import java.nio.file.Path;

/**
 * One host of the cluster under test, as the control node reaches it over SSH.
 *
 * @param name the host's name in histories and reports (n1, n2, ...)
 * @param address the address the cluster's servers bind to and the other hosts see it by; also
 *     where the control node connects for SSH
 * @param sshPort the SSH port (22 unless the nodes file says otherwise)
 * @param user the SSH user; commands run as root directly or through {@code sudo -n}
 * @param keyFile the private key for that user (unencrypted), or null for the default keys of
 *     {@code ~/.ssh} ({@code id_ed25519}, {@code id_ecdsa}, {@code id_rsa}); no SSH agent
 */
public record Host(String name, String address, int sshPort, String user, Path keyFile) {}
