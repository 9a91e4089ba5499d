package io.shardkv.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.shardkv.cli.LoadRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two etcd v3 calls the benchmark makes, over gRPC with jetcd (etcd's own Java client): {@code
 * KV.Put} and {@code KV.Range} with {@link #LINEARIZABLE} (a read through the Raft log's ReadIndex,
 * as ShardKV's gets; a serializable read would answer from the member's local state).
 *
 * <p>One jetcd {@link Client} for one endpoint: one gRPC channel, one HTTP/2 connection, on which
 * every client's requests are multiplexed — as every ShardKV client session shares one pipelined
 * connection per server in {@code shardkv bench}. jetcd's API is asynchronous; each benchmark client
 * is a thread that waits on its operation's future ({@link LoadRunner}), so the operations in flight
 * are exactly the clients, as in {@code shardkv bench}.
 */
final class EtcdGrpcClient implements AutoCloseable {
  /** etcd's linearizable Range ({@code serializable=false}), which is also jetcd's default. */
  static final GetOption LINEARIZABLE = GetOption.builder().withSerializable(false).build();

  private final String endpoint;
  private final Client client;
  private final KV kv;
  private final Duration timeout;

  /** A client of {@code endpoint} ({@code http://host:port}); each call waits at most {@code timeout}. */
  EtcdGrpcClient(String endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.client = Client.builder().endpoints(endpoint).connectTimeout(Duration.ofSeconds(2)).build();
    this.kv = client.getKVClient();
    this.timeout = timeout;
  }

  void put(String key, String value) throws IOException, InterruptedException {
    await(kv.put(bytes(key), bytes(value), PutOption.DEFAULT), "put");
  }

  void get(String key) throws IOException, InterruptedException {
    await(kv.get(bytes(key), LINEARIZABLE), "range");
  }

  /** A session of one benchmark client on this shared client (closing it leaves the client open). */
  LoadRunner.Session session() {
    return new LoadRunner.Session() {
      @Override
      public void get(String key) throws IOException, InterruptedException {
        EtcdGrpcClient.this.get(key);
      }

      @Override
      public void put(String key, String value) throws IOException, InterruptedException {
        EtcdGrpcClient.this.put(key, value);
      }
    };
  }

  private void await(CompletableFuture<?> f, String what) throws IOException, InterruptedException {
    try {
      f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException("etcd " + endpoint + " " + what + " (gRPC) failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException("etcd " + endpoint + " " + what + " (gRPC) did not answer within " + timeout.toMillis()
          + " ms");
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}
