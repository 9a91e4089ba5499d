import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvOp;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Benchmark-only (issue 13): CPU nanoseconds per write applied to one shard's {@link KvData} (values and
 * dedup table), the bench's shape: 100 clients, keys "bench-<run>-<k>", k uniform in [0, keys), 16-byte
 * values, the first pass over the key space excluded (a warm-up that also inserts most keys). Prints
 * one line; thread CPU time, so a loaded machine changes it less than wall time. Run it with a build's
 * jars and the servers' JIT setting:
 *
 *   java -XX:TieredStopAtLevel=1 -cp "BUILD/cli/target/lib/*" scripts/ApplyCost.java [keys] [ops]
 */
public class ApplyCost {
  public static void main(String[] args) {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    int shards = 10; // one shard's share of the keys is what one KvData holds
    KvData data = new KvData();
    String prefix = "bench-" + Long.toString(1765170000000L, 36) + "-";
    String value = "x".repeat(16);
    SplittableRandom rnd = new SplittableRandom(1);
    long[] seq = new long[100];
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    String[] names = new String[keys / shards];
    for (int k = 0; k < names.length; k++) names[k] = prefix + k;
    long t0 = 0;
    int warm = ops / 4;
    for (int i = 0; i < ops; i++) {
      if (i == warm) t0 = mx.getCurrentThreadCpuTime();
      int client = rnd.nextInt(100);
      String key = names[rnd.nextInt(names.length)];
      data.execute(new KvCommand(client + 1, ++seq[client], new KvOp.Put(new String(key), value)), i);
    }
    long ns = mx.getCurrentThreadCpuTime() - t0;
    System.out.printf("apply-cost keys_per_shard=%d ops=%d cpu_ns_per_write=%.1f keys_held=%d%n", names.length, ops - warm,
        (double) ns / (ops - warm), data.keyCount());
  }
}
