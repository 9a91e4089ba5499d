package io.shardkv.server.kv;

import java.util.Arrays;

/**
 * A binary min-heap of (log time, client id) items ordered by time, in two parallel {@code long}
 * arrays: the expiry-order index of a {@link DedupTable}. Adding costs no allocation (arrays grow
 * by doubling) and, since log time never goes backwards, a new item usually lands at the bottom
 * with one comparison; the oldest item is read in O(1) and removed in O(log n).
 *
 * <p>The heap holds items, not sessions: the table adds an item when a session's last activity or
 * state changes and never removes the superseded one in place. An item whose session has changed
 * since is <em>stale</em>; the table skips stale items when they come out on top and rebuilds the
 * heap from its entries when stale items dominate. Ties (equal times) come out in no defined order:
 * every expiry removes all items older than its cutoff, so the order among equal times never
 * decides anything.
 */
final class ActivityHeap {
  private long[] times = new long[16];
  private long[] clients = new long[16];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The smallest time held; only when not empty. */
  long minTime() {
    return times[0];
  }

  /** The client id of the item with {@link #minTime()}; only when not empty. */
  long minClient() {
    return clients[0];
  }

  void add(long time, long client) {
    ensureRoom();
    int i = size++;
    while (i > 0) { // sift up
      int parent = (i - 1) >>> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      clients[i] = clients[parent];
      i = parent;
    }
    times[i] = time;
    clients[i] = client;
  }

  /** Removes the item with {@link #minTime()}; only when not empty. */
  void poll() {
    int last = --size;
    if (last > 0) siftDown(0, times[last], clients[last]);
  }

  void clear() {
    size = 0;
  }

  /** Appends without ordering; call {@link #heapify()} after a run of these. */
  void append(long time, long client) {
    ensureRoom();
    times[size] = time;
    clients[size] = client;
    size++;
  }

  /** Restores the heap order after {@link #append}s (Floyd's bottom-up construction, O(n)). */
  void heapify() {
    for (int i = (size >>> 1) - 1; i >= 0; i--) siftDown(i, times[i], clients[i]);
  }

  private void ensureRoom() {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      clients = Arrays.copyOf(clients, size * 2);
    }
  }

  private void siftDown(int i, long time, long client) {
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && times[right] < times[child]) child = right;
      if (time <= times[child]) break;
      times[i] = times[child];
      clients[i] = clients[child];
      i = child;
    }
    times[i] = time;
    clients[i] = client;
  }

  ActivityHeap copy() {
    ActivityHeap h = new ActivityHeap();
    h.times = times.clone();
    h.clients = clients.clone();
    h.size = size;
    return h;
  }
}
