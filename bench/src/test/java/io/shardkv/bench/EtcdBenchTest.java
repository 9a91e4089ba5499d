package io.shardkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.options.GetOption;
import io.shardkv.cli.BenchFigures;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** scripts/bench-etcd's flags and output lines; nothing here starts etcd. */
class EtcdBenchTest {
  @Test
  void theClientIsGrpcByDefaultAndJsonOnRequest() {
    EtcdBench b = new EtcdBench();
    new CommandLine(b).parseArgs();
    assertEquals(EtcdBench.ClientKind.grpc, b.client);
    EtcdBench j = new EtcdBench();
    new CommandLine(j).parseArgs("--client", "json", "--read-ratio", "0", "--clients", "100");
    assertEquals(EtcdBench.ClientKind.json, j.client);
    assertEquals(0.0, j.load.readRatio());
    assertEquals(100, j.load.clients());
  }

  @Test
  void anUnknownClientIsAUsageErrorNamingTheChoices() {
    BenchRun r = BenchRun.of("--client", "http");
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("--client") && r.err().contains("grpc, json"), r::toString);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
  }

  @Test
  void anEndpointThatIsNotAnHttpUrlIsAUsageErrorShowingTheForm() {
    for (String e : new String[] {"127.0.0.1:2379", "https://127.0.0.1:2379", "http://127.0.0.1", "http://h:1/x", ""}) {
      BenchRun r = BenchRun.of("--endpoints", "http://127.0.0.1:2379," + e);
      assertEquals(2, r.exit(), r::toString);
      assertTrue(r.err().contains("http://HOST:PORT"), r::toString);
    }
    assertTrue(EtcdBench.isHttpEndpoint("http://127.0.0.1:2379"));
    assertTrue(EtcdBench.isHttpEndpoint("http://[::1]:2379/"));
  }

  @Test
  void outOfRangeLoadOptionsAreAUsageError() {
    for (String[] args : new String[][] {{"--read-ratio", "2"}, {"--clients", "0"}, {"--members", "0"}}) {
      BenchRun r = BenchRun.of(args);
      assertEquals(2, r.exit(), r::toString);
      assertTrue(r.err().contains("--read-ratio must be in [0,1]") && r.err().contains("--members >= 1"), r::toString);
    }
  }

  @Test
  void theJsonObjectIsBenchsWithTheTargetAndTheClientInFront() {
    Histogram h = new Histogram(3);
    h.recordValue(1_000_000L);
    BenchFigures f = new BenchFigures("Concurrent Proposal (100 clients, etcd 3 members)", 100, 10, 0, 1.0, h);
    for (EtcdBench.ClientKind c : EtcdBench.ClientKind.values()) {
      String line = f.json(EtcdBench.jsonLead(c), 1, "bench-x-", 16, 0.5, 2);
      assertEquals("{\"target\":\"etcd\",\"client\":\"" + c + "\"," + f.json("", 1, "bench-x-", 16, 0.5, 2).substring(1),
          line);
    }
  }

  @Test
  void readsAreLinearizableNotSerializable() {
    assertFalse(EtcdGrpcClient.LINEARIZABLE.isSerializable());
    assertFalse(GetOption.DEFAULT.isSerializable(), "jetcd's default Range is linearizable too");
  }
}
