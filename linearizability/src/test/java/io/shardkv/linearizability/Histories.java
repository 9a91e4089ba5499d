package io.shardkv.linearizability;

import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;

/** Test helper: builds small histories from EDN text, one op map per line. */
public final class Histories {
  private Histories() {}

  public static History edn(String... lines) {
    return HistoryReader.parse(String.join("\n", lines), Format.JEPSEN_EDN, false).history();
  }

  public static String inv(int p, String f, String v) {
    return "{:type :invoke, :process " + p + ", :f :" + f + ", :value " + v + "}";
  }

  public static String ok(int p, String f, String v) {
    return "{:type :ok, :process " + p + ", :f :" + f + ", :value " + v + "}";
  }

  public static String fail(int p, String f, String v) {
    return "{:type :fail, :process " + p + ", :f :" + f + ", :value " + v + "}";
  }

  public static String info(int p, String f, String v) {
    return "{:type :info, :process " + p + ", :f :" + f + ", :value " + v + "}";
  }
}
