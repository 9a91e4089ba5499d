package io.shardkv.chaos.client;

/** Opens the client of one logical process. */
@FunctionalInterface
public interface ClientFactory {
  Client open(long process);
}
