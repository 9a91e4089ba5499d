package io.shardkv.server.storage;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Rebuilds the durable state from a data directory on {@code load()}. Rules (docs/storage.md):
 * <ol>
 *   <li>Segments must be numbered contiguously; every record's CRC is verified.</li>
 *   <li>A bad record in the last segment is a torn tail left by a crash mid-write — a suffix, or
 *       (power cut) a lost page of an unforced write followed by intact later ones — unless a valid
 *       {@link RecordType#DURABLE} record after it claims the segment durable beyond it (version-1
 *       segments, without claims: unless any valid record follows it). A torn tail is cut back to
 *       the last whole record. A last segment whose header itself is torn (a crash while creating
 *       it) is deleted.</li>
 *   <li>Any other bad record is corruption: refuse to start, naming file and offset (and the
 *       claiming record).</li>
 *   <li>A SNAPSHOT record is written and forced before its snapshot file is written. If it is the
 *       very last record and its file never became durable, the crash hit mid-snapshot: the
 *       record is cut off and the previous snapshot is used.</li>
 *   <li>An append call whose final ENTRY record is missing at the end of the WAL was cut short
 *       by a crash: all of its records are cut off, so a call is never half applied.</li>
 *   <li>Leftover temporary and superseded snapshot files are deleted.</li>
 * </ol>
 */
final class WalRecovery {
  private final StorageFiles files;
  private final Path dir;
  private final SnapshotFiles snapshots;

  /**
   * Everything {@link FileRaftStorage} needs to continue after recovery, and {@code records}: how
   * many WAL records (segment headers included) the final, clean pass read, for the recovery summary.
   * Of the last segment: its format version, the highest durability claim in it (at least its
   * header's end) and the end of its last record that is not a durability claim.
   */
  record Recovered(PersistedState state, long snapshotGen, long snapshotRecordSegment,
                   TreeMap<Long, SegmentInfo> segments, long lastSegmentSize, long records,
                   short lastSegmentVersion, long lastSegmentClaim, long lastSegmentDataEnd) {}

  WalRecovery(StorageFiles files, Path dir, SnapshotFiles snapshots) {
    this.files = files;
    this.dir = dir;
    this.snapshots = snapshots;
  }

  Recovered run() throws IOException {
    checkDirectory();
    // At most a few passes: each repair (torn tail, torn segment, dangling snapshot record)
    // shortens the WAL and the scan starts again from a consistent directory.
    for (int pass = 0; ; pass++) {
      Recovered r = scanOnce();
      if (r != null) return r;
      if (pass > 3) throw new StorageException("recovery of " + dir + " did not converge");
    }
  }

  private void checkDirectory() {
    if (!files.exists(dir)) {
      throw new StorageException("data directory " + dir + " does not exist. Fix the path, or, for a"
          + " new node, create it (mkdir -p " + dir + ") or let the node initialize it.");
    }
    if (!files.isDirectory(dir)) {
      throw new StorageException("data directory " + dir + " is not a directory. Point the node at a"
          + " directory (it holds wal-*.log and snapshot-*.snap files).");
    }
  }

  /** One pass; returns null after repairing something (the caller scans again). */
  private Recovered scanOnce() throws IOException {
    List<String> names;
    try {
      names = files.list(dir);
    } catch (IOException e) {
      throw new StorageException("cannot read data directory " + dir + ": " + FileRaftStorage.describe(e)
          + ". Check that it exists and that this user may read and write it.", e);
    }
    List<Long> seqs = new ArrayList<>();
    List<Long> snapGens = new ArrayList<>();
    for (String n : names) {
      if (n.startsWith(SnapshotFiles.PREFIX) && n.endsWith(SnapshotFiles.TMP_SUFFIX)) {
        files.delete(dir.resolve(n)); // never renamed: an unfinished snapshot
        continue;
      }
      long seq = SegmentInfo.sequenceOf(n);
      if (seq >= 0) seqs.add(seq);
      long gen = SnapshotFiles.generationOf(n);
      if (gen >= 0) snapGens.add(gen);
    }
    seqs.sort(null);
    for (int i = 1; i < seqs.size(); i++) {
      if (seqs.get(i) != seqs.get(i - 1) + 1) {
        throw new StorageException("WAL segment " + SegmentInfo.fileName(seqs.get(i - 1) + 1)
            + " is missing from " + dir + " (segments " + seqs.get(i - 1) + " and " + seqs.get(i)
            + " exist). Refusing to start with a hole in the log; restore the directory from a"
            + " backup, or wipe it and let the node rejoin from its peers.");
      }
    }

    ReplayState state = null;
    TreeMap<Long, SegmentInfo> segments = new TreeMap<>();
    long lastSize = 0;
    short lastVersion = SegmentHeader.VERSION;
    long lastClaim = 0;
    long lastDataEnd = 0;
    WalRecord lastRecord = null;
    long lastRecordOffset = -1;
    long records = 0;
    for (int i = 0; i < seqs.size(); i++) {
      long seq = seqs.get(i);
      boolean isLast = i == seqs.size() - 1;
      Path path = dir.resolve(SegmentInfo.fileName(seq));
      byte[] bytes = readAll(path);
      SegmentScan scan = SegmentScan.of(bytes, bytes.length);
      if (!scan.clean()) {
        if (!isLast) throw corruptRecord(path, scan.badOffset(), false);
        if (scan.records().isEmpty()) {
          // The header is forced before any record goes into the segment.
          if (scan.validRecordAfterBad()) throw corruptRecord(path, scan.badOffset(), true);
          if (i == 0 && seq != 1) {
            throw corrupt(path, 0, "the only segment has no valid header");
          }
          files.delete(path); // created, but its header never became durable
          files.syncDirectory(dir);
          return null;
        }
        checkTornTail(path, scan);
        try (StorageFiles.StorageFile f = files.open(path)) {
          f.truncate(scan.validEnd()); // cut the torn tail
          f.force();
        }
        return null;
      }
      if (scan.records().isEmpty()) {
        if (!isLast || (i == 0 && seq != 1)) throw corrupt(path, 0, "empty segment file");
        files.delete(path);
        files.syncDirectory(dir);
        return null;
      }
      SegmentHeader header;
      try {
        header = SegmentHeader.fromRecord(scan.records().get(0).record());
        if (header.sequence() != seq) {
          throw new IllegalArgumentException("header names segment " + header.sequence());
        }
      } catch (IllegalArgumentException e) {
        throw corrupt(path, 0, e.getMessage());
      }
      segments.put(seq, SegmentInfo.of(header));
      SegmentScan.Located at = scan.records().get(0);
      lastVersion = header.version();
      // The header is forced when the segment is created: durable from the start.
      lastClaim = at.encodedSize();
      lastDataEnd = at.encodedSize();
      SegmentScan.Located lastData = at;
      // Entries of an append call are applied only once its final ENTRY record is seen.
      List<LogEntry> callEntries = new ArrayList<>();
      int callStart = -1;
      try {
        if (state == null) state = new ReplayState(header);
        else state.checkHeader(header);
        for (int r = 1; r < scan.records().size(); r++) {
          at = scan.records().get(r);
          if (at.type() == RecordType.ENTRY_MORE) {
            if (callEntries.isEmpty()) callStart = at.offset();
            callEntries.add(at.entry());
            continue;
          }
          if (at.type() == RecordType.ENTRY) {
            for (LogEntry e : callEntries) state.applyEntry(e);
            callEntries.clear();
            state.applyEntry(at.entry());
            lastData = at;
            lastDataEnd = at.offset() + at.encodedSize();
            continue;
          }
          if (!callEntries.isEmpty()) {
            throw new IllegalStateException("a " + at.type() + " record interrupts an append call");
          }
          if (at.type() == RecordType.DURABLE) {
            if (!header.hasDurabilityClaims()) {
              throw new IllegalArgumentException("a durability record in a version-" + header.version() + " segment");
            }
            if (at.index() > at.offset()) {
              throw new IllegalArgumentException("a durability record claims byte " + at.index() + " beyond itself");
            }
            lastClaim = Math.max(lastClaim, at.index());
            continue;
          }
          apply(state, at.record(), seq);
          lastData = at;
          lastDataEnd = at.offset() + at.encodedSize();
        }
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw corrupt(path, at.offset(), e.getMessage());
      }
      if (!callEntries.isEmpty()) {
        if (!isLast) {
          throw corrupt(path, callStart, "an append call's records stop at the end of a segment"
              + " that is not the last one");
        }
        try (StorageFiles.StorageFile f = files.open(path)) {
          f.truncate(callStart); // a crash cut this append call short: drop all of it
          f.force();
        }
        return null;
      }
      lastRecord = lastData.record(); // durability records change no state: the last one that does
      lastRecordOffset = lastData.offset();
      lastSize = bytes.length;
      records += scan.records().size();
    }

    if (state == null) {
      if (!snapGens.isEmpty()) {
        throw new StorageException("data directory " + dir + " holds snapshot files but no WAL"
            + " segment, so the log and hard state are lost. Refusing to start; restore the"
            + " directory from a backup, or wipe it and let the node rejoin from its peers.");
      }
      return new Recovered(PersistedState.EMPTY, 0, 0, segments, 0, records, SegmentHeader.VERSION, 0, 0);
    }

    long gen = state.snapshotGen();
    byte[] snapshotData = new byte[0];
    // The WAL records a snapshot by (index, term); its configuration (Raft thesis §4, version-2
    // snapshot files) is in the snapshot file, which is therefore the meta handed to the node.
    SnapshotMeta fileMeta = null;
    if (gen > 0 && !snapGens.contains(gen)) {
      Path lastPath = dir.resolve(SegmentInfo.fileName(seqs.get(seqs.size() - 1)));
      if (lastRecord != null && lastRecord.type() == RecordType.SNAPSHOT
          && Records.toSnapshotMark(lastRecord).generation() == gen) {
        // Crash between forcing the SNAPSHOT record and the snapshot file becoming durable.
        try (StorageFiles.StorageFile f = files.open(lastPath)) {
          f.truncate(lastRecordOffset);
          f.force();
        }
        return null;
      }
      throw new StorageException("snapshot file " + snapshots.path(gen) + " is missing, but the WAL"
          + " says it is the current snapshot. Refusing to start; restore the directory from a"
          + " backup, or wipe it and let the node rejoin from its peers.");
    }
    if (gen > 0) {
      SnapshotFiles.Loaded loaded = snapshots.read(gen);
      if (loaded.meta().lastIndex() != state.snapshot().lastIndex()
          || loaded.meta().lastTerm() != state.snapshot().lastTerm()) {
        throw new StorageException("snapshot file " + snapshots.path(gen) + " holds " + loaded.meta()
            + " but the WAL records " + state.snapshot() + " for generation " + gen
            + ". Refusing to start; restore the directory from a backup.");
      }
      snapshotData = loaded.data();
      fileMeta = loaded.meta();
    }
    boolean deleted = false;
    for (long g : snapGens) {
      if (g > gen) {
        throw new StorageException("snapshot file " + snapshots.path(g) + " is newer than the"
            + " snapshot the WAL records (generation " + gen + "): the WAL lost records. Refusing"
            + " to start; restore the directory from a backup.");
      }
      if (g < gen) {
        files.delete(snapshots.path(g)); // superseded; its successor is durable
        deleted = true;
      }
    }
    if (deleted) files.syncDirectory(dir);
    try {
      state.checkComplete();
    } catch (IllegalStateException e) {
      throw new StorageException("WAL in " + dir + " is incomplete: " + e.getMessage()
          + ". Refusing to start; restore the directory from a backup.");
    }
    HardState hs = state.hardState();
    SnapshotMeta meta = fileMeta != null ? fileMeta : state.snapshot();
    PersistedState persisted = new PersistedState(hs, meta, snapshotData, state.entries());
    return new Recovered(persisted, gen, state.snapshotRecordSegment(), segments, lastSize, records,
        lastVersion, lastClaim, lastDataEnd);
  }

  private static void apply(ReplayState state, WalRecord r, long segment) {
    switch (r.type()) {
      case ENTRY, ENTRY_MORE -> throw new IllegalStateException("entry records are applied by the caller");
      case HARD_STATE -> state.applyHardState(Records.toHardState(r));
      case TRUNCATE -> state.applyTruncate(r.index());
      case SNAPSHOT -> state.applySnapshot(Records.toSnapshotMark(r), segment);
      case SEGMENT_HEADER -> throw new IllegalStateException("segment header in mid-segment");
    }
  }

  private byte[] readAll(Path path) throws IOException {
    try (StorageFiles.StorageFile f = files.open(path)) {
      long size = f.size();
      if (size > Integer.MAX_VALUE - 64) throw corrupt(path, 0, "segment is " + size + " bytes");
      ByteBuffer b = ByteBuffer.allocate((int) size);
      f.read(b, 0);
      return b.array();
    }
  }

  /**
   * The last segment has a bad record at {@code scan.badOffset()} (B) after a valid header; returns
   * if B starts a torn tail to cut, throws if it is corruption. Version 2: torn unless a valid record
   * after B claims the segment was durable beyond B — a crash damages only bytes that were not
   * durable, and a claim is written only for bytes already durable, so the claim proves B's record
   * was durable and was damaged since. (B and every claim are record boundaries, so a claim beyond B
   * covers B's whole record.) Version 1 has no claims: torn only if nothing valid follows B.
   */
  private void checkTornTail(Path path, SegmentScan scan) {
    SegmentHeader header;
    try {
      header = SegmentHeader.fromRecord(scan.records().get(0).record());
    } catch (IllegalArgumentException e) {
      throw corrupt(path, 0, e.getMessage());
    }
    int bad = scan.badOffset();
    if (!header.hasDurabilityClaims()) {
      if (scan.validRecordAfterBad()) throw corruptRecord(path, bad, true);
      return;
    }
    if (scan.claimAfterBad() > bad) {
      throw corrupt(path, bad, "a CRC32C or framing check failed, and the durability record written"
          + " later at byte offset " + scan.claimAt() + " says the segment was already on disk up to"
          + " byte " + scan.claimAfterBad() + ", so this record had been forced to disk and was damaged"
          + " afterwards (not a write torn by a crash)");
    }
  }

  private StorageException corruptRecord(Path path, int offset, boolean lastSegment) {
    String why = lastSegment
        ? "a CRC32C or framing check failed, and valid records follow it, so this is not a torn"
          + " write at the end of the log but corrupted data"
        : "a CRC32C or framing check failed in a segment that is not the last one";
    return corrupt(path, offset, why);
  }

  private static StorageException corrupt(Path path, long offset, String what) {
    return new StorageException("WAL segment " + path + " is corrupt at byte offset " + offset + ": "
        + what + ". Refusing to start rather than serve corrupted data. Restore this node's data"
        + " directory from a backup, or wipe it and let the node rejoin from its peers.");
  }
}
