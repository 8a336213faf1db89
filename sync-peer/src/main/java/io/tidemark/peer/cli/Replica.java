package io.tidemark.peer.cli;

import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.peer.sync.PeerState;
import io.tidemark.peer.sync.ReplicaClient;
import io.tidemark.peer.sync.ReplicaListener;
import io.grpc.Channel;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The peer side shared by {@code peer} and {@code sync}: a checked DST, its state, a client. */
final class Replica implements AutoCloseable {
  final Path dst;
  final PeerState state;
  final ReplicaClient client;

  private Replica(Path dst, PeerState state, ReplicaClient client) {
    this.dst = dst;
    this.state = state;
    this.client = client;
  }

  /** DST as a real path: created when missing, refused when not a directory (exit 2). */
  static Path checkDst(CommandSpec spec, Path dst) {
    try {
      if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dst)) {
        throw new ParameterException(spec.commandLine(), "DST is not a directory: " + dst);
      }
      Files.createDirectories(dst);
      return dst.toRealPath();
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "cannot use DST " + dst + ": " + e.getMessage());
    }
  }

  static FsyncPolicy fsync(CommandSpec spec, String text) {
    try {
      return FsyncPolicy.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--fsync must be always, batch or never, not '" + text + "'");
    }
  }

  /** The real path {@code p} will have, resolving the longest existing ancestor. */
  static Path realish(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(abs));
    } catch (IOException e) {
      return abs;
    }
  }

  /** How this replica introduces itself to the source: host and DST. */
  static String peerName(Path dstReal) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return host + ":" + dstReal;
  }

  /** The default state dir name: DST's last component plus a hash of its real path. */
  static Path defaultStateDir(Path dstReal) {
    String name = dstReal.getFileName() == null ? "root" : dstReal.getFileName().toString();
    name = name.replaceAll("[^A-Za-z0-9._-]", "_");
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(dstReal.toString().getBytes(StandardCharsets.UTF_8));
      return PeerState.defaultDir(name + "-" + HexFormat.of().formatHex(h, 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Replica start(CommandSpec spec, Channel channel, Path dstReal, Path stateDir,
      FsyncPolicy fsync, ReplicaListener listener) throws IOException {
    Path dir = stateDir == null ? defaultStateDir(dstReal) : stateDir;
    if (realish(dir).startsWith(dstReal)) {
      throw new ParameterException(spec.commandLine(), "the peer state dir " + dir
          + " is inside the replica " + dstReal + ": pick another --state");
    }
    PeerState state = PeerState.open(dir, dstReal);
    ReplicaWriter writer = new ReplicaWriter(dstReal, fsync);
    ReplicaClient client =
        ReplicaClient.start(channel, writer, state, peerName(dstReal), listener);
    return new Replica(dstReal, state, client);
  }

  /** Why the agent at {@code target} will not replicate to us, and what to do about it. */
  static String describeRefusal(Object target, Status status) {
    String detail = status.getDescription() == null ? "" : ": " + status.getDescription();
    return switch (status.getCode()) {
      case UNAUTHENTICATED -> "the agent at " + target
          + " refused the token (give --token or $TIDEMARK_TOKEN)" + detail;
      case UNIMPLEMENTED -> "the agent at " + target + " does not serve replication" + detail;
      default -> "the agent at " + target + " refused replication: " + status.getCode() + detail;
    };
  }

  @Override
  public void close() {
    client.close();
  }
}
