package io.shardkv.server.replica;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client requests a host has accepted and not yet answered: proposals by log index (with the
 * term they were appended in), ReadIndex reads by read id, and confirmed reads waiting for the state
 * machine to catch up. Each entry remembers the tick it expires at. TreeMaps only: iteration order is
 * by value, the same on every run.
 */
final class PendingRequests {
  record Proposal(long requestId, long index, long term, long expiresAtTick) {}

  /** {@code term}: the leader's term when it asked for the ReadIndex (a read confirmed in that term). */
  record Read(long requestId, byte[] request, long term, long expiresAtTick) {}

  /** Unconfirmed ReadIndex reads by the host's internal read id (never reused). */

  record ConfirmedRead(long requestId, byte[] request, long term, long readIndex) {}

  final TreeMap<Long, List<Proposal>> proposalsByIndex = new TreeMap<>();
  final TreeMap<Long, Read> readsById = new TreeMap<>();
  final List<ConfirmedRead> confirmedReads = new ArrayList<>();

  void addProposal(Proposal p) {
    proposalsByIndex.computeIfAbsent(p.index(), i -> new ArrayList<>()).add(p);
  }

  /** Removes and returns the proposals at {@code index}. */
  List<Proposal> takeAt(long index) {
    List<Proposal> l = proposalsByIndex.remove(index);
    return l == null ? List.of() : l;
  }

  /** Removes and returns every proposal at or below {@code index}. */
  List<Proposal> takeUpTo(long index) {
    List<Proposal> out = new ArrayList<>();
    Map<Long, List<Proposal>> head = proposalsByIndex.headMap(index, true);
    head.values().forEach(out::addAll);
    head.clear();
    return out;
  }

  List<Proposal> takeAllProposals() {
    return takeUpTo(Long.MAX_VALUE);
  }

  /** Removes and returns every proposal and unconfirmed read whose deadline has passed. */
  List<Long> expire(long tick) {
    List<Long> out = new ArrayList<>();
    for (Iterator<List<Proposal>> it = proposalsByIndex.values().iterator(); it.hasNext(); ) {
      List<Proposal> l = it.next();
      l.removeIf(p -> {
        if (p.expiresAtTick() <= tick) {
          out.add(p.requestId());
          return true;
        }
        return false;
      });
      if (l.isEmpty()) {
        it.remove();
      }
    }
    readsById.values().removeIf(r -> {
      if (r.expiresAtTick() <= tick) {
        out.add(r.requestId());
        return true;
      }
      return false;
    });
    return out;
  }

  int size() {
    int n = readsById.size() + confirmedReads.size();
    for (List<Proposal> l : proposalsByIndex.values()) {
      n += l.size();
    }
    return n;
  }
}
