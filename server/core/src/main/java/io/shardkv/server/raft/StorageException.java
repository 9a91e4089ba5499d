package io.shardkv.server.raft;

/**
 * A storage failure the node cannot continue past (I/O error, disk full, corruption). The message
 * names what failed and where (file and offset when there is one) so an operator can act on it.
 * After a {@code StorageException} from {@link RaftStorage#flush()} the node must stop: it may not
 * send anything that depended on the failed writes.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message) { super(message); }
  public StorageException(String message, Throwable cause) { super(message, cause); }
}
