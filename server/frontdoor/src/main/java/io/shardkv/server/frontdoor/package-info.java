/**
 * The one front door of a hosted service (issue 10): {@link io.shardkv.server.frontdoor.FrontDoor}
 * turns a client's wire request into the service's command for the replica host and the host's reply
 * back into the wire response; {@code ScanWire} does the same for SCAN. The real server
 * ({@code process.HostedReplica}) and the simulator's server node ({@code sim.shardkv.ServerNode})
 * both use it, so seed sweeps run the translation production runs. Its own module so that the
 * deterministic core (shardkv-core) depends on the shared vocabulary only, never on the wire: the
 * wire's types (protocol) and the status bridge (client.Wiring) meet the core here. Pure and
 * clock-free like the core (FrontDoorArchitectureTest). Contract: docs/protocol.md §6.
 */
package io.shardkv.server.frontdoor;
