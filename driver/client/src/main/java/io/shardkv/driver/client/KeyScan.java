package io.shardkv.driver.client;

import io.shardkv.driver.protocol.Result;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A walk over the keys with a prefix: shard 0, 1, … in turn, each shard page by page in key order
 * ({@link ShardKvClient#scanPage}), each page resuming after the previous page's last key.
 *
 * <h2>What a walk guarantees</h2>
 * <ul>
 *   <li>Each page is a linearizable read of one shard at its owner (per-shard consistent); the walk
 *       as a whole is <b>not</b> a snapshot of the store: writes that happen during the walk may or
 *       may not be seen, and keys of different shards are seen at different moments.</li>
 *   <li>Every key is returned at most once, and every key that exists from the walk's start to its
 *       end is returned: keys of a shard are returned in increasing order, and a shard that moves to
 *       another group mid-walk is resumed there after the last key returned (a shard's data moves
 *       as a whole, so the new owner holds every key the old one had).</li>
 *   <li>If a page cannot be read (no owner reachable before the page's timeout), {@link #hasNext}
 *       throws a definite {@link KvException}: the walk failed, and the keys returned so far are
 *       still each returned once.</li>
 *   <li>Order across shards is by shard number, not by key.</li>
 * </ul>
 * Not thread-safe; one walker at a time.
 */
public final class KeyScan {
  public static final int DEFAULT_PAGE_SIZE = 1000;

  private final ShardKvClient client;
  private final String prefix;
  private final long limit;
  private final int pageSize;
  private final Duration pageTimeout;
  private int shardCount = -1;
  private int shard;
  private String after;
  private boolean shardDone;
  private Iterator<Map.Entry<String, String>> page;
  private long returned;
  private long pages;

  KeyScan(ShardKvClient client, String prefix, long limit, int pageSize, Duration pageTimeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (limit < 0) throw new IllegalArgumentException("limit must be >= 0 (0: no limit), got " + limit);
    if (pageSize < 1) throw new IllegalArgumentException("page size must be >= 1, got " + pageSize);
    this.limit = limit;
    this.pageSize = pageSize;
    this.pageTimeout = pageTimeout;
  }

  /** The same walk with another page size. */
  public KeyScan withPageSize(int size) {
    return new KeyScan(client, prefix, limit, size, pageTimeout);
  }

  /** True if another key follows; reads the next page when the current one is used up. */
  public boolean hasNext() throws KvException {
    while (true) {
      if (limit > 0 && returned >= limit) return false;
      if (page != null && page.hasNext()) return true;
      if (shardCount < 0) shardCount = client.shardCount();
      if (shardDone) {
        shard++;
        after = null;
        shardDone = false;
      }
      if (shard >= shardCount) return false;
      int ask = (int) Math.min(pageSize, limit > 0 ? limit - returned : pageSize);
      Result.Page p = client.scanPage(shard, prefix, after, ask, pageTimeout);
      pages++;
      if (p.more() && p.entries().isEmpty()) {
        throw new KvException(true, "shard " + shard + " answered an empty page that says more keys follow; "
            + "the walk cannot go on (a server bug)");
      }
      if (!p.entries().isEmpty()) {
        if (after != null && p.entries().firstKey().compareTo(after) <= 0) {
          throw new KvException(true, "shard " + shard + " answered key '" + p.entries().firstKey()
              + "', not after the cursor '" + after + "' (a server bug)");
        }
        after = p.entries().lastKey();
      }
      shardDone = !p.more();
      page = p.entries().entrySet().iterator();
    }
  }

  /** The next key and its value. */
  public Map.Entry<String, String> next() throws KvException {
    if (!hasNext()) throw new NoSuchElementException("the scan is complete");
    returned++;
    return page.next();
  }

  /** Keys returned so far. */
  public long returned() {
    return returned;
  }

  /** Pages read so far. */
  public long pages() {
    return pages;
  }
}
