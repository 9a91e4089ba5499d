package io.shardkv.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.format.ParsedHistory;
import io.shardkv.linearizability.models.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Porcupine's public test histories get the verdicts Porcupine's own tests assert
 * ({@code shared/test-data/porcupine/EXPECTED.tsv}). Found through SHARDKV_PORCUPINE_DATA or by
 * walking up from the working directory; skipped, visibly, when absent.
 */
class ConformanceTest {

  /** The Porcupine data folder, or null. */
  public static Path porcupineData() {
    String env = System.getenv("SHARDKV_PORCUPINE_DATA");
    if (env != null && Files.isRegularFile(Path.of(env, "EXPECTED.tsv"))) {
      return Path.of(env);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/test-data/porcupine");
      if (Files.isRegularFile(candidate.resolve("EXPECTED.tsv"))) {
        return candidate;
      }
    }
    return null;
  }

  static Stream<Arguments> expected() throws IOException {
    Path data = porcupineData();
    if (data == null) {
      return Stream.of(Arguments.of("(Porcupine test data not found)", "", ""));
    }
    List<Arguments> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(data.resolve("EXPECTED.tsv"));
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split("\t");
      if (f.length == 3) {
        out.add(Arguments.of(f[0], f[1], f[2]));
      }
    }
    return out.stream();
  }

  @org.junit.jupiter.api.Test
  void everyKeyOfTheFiftyClientKvHistoriesIsDecidedInVerboseMode() throws IOException {
    Path data = porcupineData();
    Assumptions.assumeTrue(data != null, "SKIPPED: Porcupine test data not found");
    for (String name : List.of("kv/c50-ok.txt", "kv/c50-bad.txt")) {
      ParsedHistory h = HistoryReader.read(data.resolve(name), Format.AUTO, false);
      CheckResult r = Checker.check(Models.byName("kv", false), h.history(),
          CheckOptions.defaults().withDecideAll(true).withTimeout(java.time.Duration.ofMinutes(5)));
      assertEquals(10, r.partitions().size());
      for (PartitionResult p : r.partitions()) {
        org.junit.jupiter.api.Assertions.assertNotEquals(Verdict.UNKNOWN, p.verdict(),
            name + " key " + p.key() + ": " + p.reason());
      }
    }
  }

  @ParameterizedTest(name = "{0} is {2}")
  @MethodSource("expected")
  void porcupineHistoryGetsTheExpectedVerdict(String file, String model, String verdict) throws IOException {
    Path data = porcupineData();
    Assumptions.assumeTrue(data != null, "SKIPPED: Porcupine test data not found (set SHARDKV_PORCUPINE_DATA"
        + " or place shared/test-data/porcupine in a parent directory)");
    ParsedHistory h = HistoryReader.read(data.resolve(file), Format.AUTO, false);
    Model<?> m = Models.byName(model, h.format() == Format.PORCUPINE_ETCD);
    CheckResult r = Checker.check(m, h.history(), CheckOptions.defaults());
    assertEquals(verdict, r.verdict().label());
  }
}
