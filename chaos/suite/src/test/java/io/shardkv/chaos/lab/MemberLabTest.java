package io.shardkv.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code member} nemesis on a 5-host lab (issue 16), through {@code chaos run --lab} as a user
 * runs it, with partitions: the campaign is valid, at least one membership change completed (a
 * voter removed, replaced or added, committed — not only attempted), and the final
 * {@code :add-member} left no group short of its voters. Skipped where this machine cannot host a lab.
 */
class MemberLabTest {
  @BeforeAll
  static void lab() {
    LabFixture.assumeLabPossible();
  }

  @AfterAll
  static void down() {
    LabFixture.down();
  }

  @Test
  void aCampaignUnderMembershipChangesAndPartitions_isValid_andChangedTheMembership() throws Exception {
    ChaosCli.Run r = ChaosCli.run("run", "--lab", "--lab-dir", LabFixture.DIR.toString(), "--lab-hosts", "5",
        "--store", LabCampaignTest.STORE.toString(), "--workload", "register", "--nemesis", "member,partition",
        "--nemesis-interval", "5", "--time-limit", "60", "--seed", "16001");
    String last = r.lastLine();
    assertTrue(last.matches("verdict=(valid|invalid|unknown) store=.+"), "last line: " + last + "\n" + r.err());
    Path dir = Path.of(last.substring(last.indexOf("store=") + "store=".length()));
    assertEquals(0, r.exit(), last + "; see " + dir.resolve("chaos.log"));
    List<String> completions = Files.readAllLines(dir.resolve("history.edn")).stream()
        .filter(l -> l.contains(":process :nemesis") && l.contains("-member") && !l.contains(":value nil")
            && !l.contains(":value :final")).toList(); // completions only: invocations carry nil or :final
    System.out.println("MemberLabTest membership ops:\n" + String.join("\n", completions));
    assertTrue(completions.stream().anyMatch(l -> l.matches(".*:outcome :(removed|replaced|added|promoted).*")),
        "no membership change completed:\n" + String.join("\n", completions));
    String fin = completions.get(completions.size() - 1);
    assertTrue(fin.contains(":f :add-member"), "the final op gives every group its voters back: " + fin);
    assertFalse(fin.matches(".*:outcome :(failed|skipped).*"), "the final :add-member left a group short: " + fin);
  }
}
