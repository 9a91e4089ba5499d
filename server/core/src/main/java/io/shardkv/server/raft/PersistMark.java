package io.shardkv.server.raft;

import java.util.Objects;

/**
 * What one {@link Ready}'s storage writes leave on disk once they are durable: the log ends at
 * {@code (lastIndex, lastTerm)} (a snapshot's index and term when the log tail is empty) and the
 * hard state is {@code hardState}. The driver hands it back to {@link RaftNode#persisted} when the
 * flush covering those writes completed (asynchronous storage writes; docs/raft-core.md).
 *
 * <p>By the Log Matching property (Raft paper §5.3) an entry {@code (lastIndex, lastTerm)} still in
 * the node's log identifies every entry before it too, so the node may take the whole prefix as
 * durable; if the log was truncated meanwhile (a newer Ready overwrote the tail being flushed),
 * the mark no longer matches and the node ignores it.
 */
public record PersistMark(long lastIndex, long lastTerm, HardState hardState) {
  public PersistMark {
    Objects.requireNonNull(hardState, "hardState");
    if (lastIndex < 0 || lastTerm < 0) {
      throw new IllegalArgumentException("persist mark " + lastTerm + "/" + lastIndex + " must not be negative");
    }
  }
}
