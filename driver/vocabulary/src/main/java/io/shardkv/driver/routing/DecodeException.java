package io.shardkv.driver.routing;

/**
 * Thrown when bytes handed to a decoder are not a well-formed encoding: truncated, too long, an
 * unknown version or tag, an invalid length, malformed UTF-8, or trailing garbage. The message says
 * what was expected, at which byte offset, and what was found, so that a corrupted log entry or a
 * buggy client can be diagnosed from the message alone. Decoders never allocate more memory than the
 * input's own size because of a length field, so malformed input cannot cause an OutOfMemoryError.
 */
public final class DecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DecodeException(String message) {
    super(message);
  }
}
