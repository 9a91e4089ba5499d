package io.shardkv.driver.jdbc.sql;

/** A value in a statement: a literal written in the SQL or a {@code ?} parameter bound later. */
public sealed interface Operand permits Operand.Literal, Operand.Parameter {

  /** A string literal; {@code value} is null for the literal NULL. */
  record Literal(String value) implements Operand {}

  /** The {@code index}-th {@code ?} of the statement, 0-based in order of appearance. */
  record Parameter(int index) implements Operand {}
}
