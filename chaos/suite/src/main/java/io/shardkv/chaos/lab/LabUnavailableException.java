package io.shardkv.chaos.lab;

import io.shardkv.chaos.ChaosException;

/** This machine cannot host a lab (not root, or a package missing); the message says what to install. */
public final class LabUnavailableException extends ChaosException {
  public LabUnavailableException(String message) {
    super(message);
  }
}
