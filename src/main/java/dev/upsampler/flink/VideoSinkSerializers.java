package dev.upsampler.flink;

import dev.upsampler.flink.VideoSink.Join;
import dev.upsampler.flink.VideoSink.StreamState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** How the {@link VideoSink}'s writer state and committables are kept in checkpoints. */
public final class VideoSinkSerializers {
  private VideoSinkSerializers() {}

  static final class State implements SimpleVersionedSerializer<StreamState> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(StreamState s) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(b)) {
        out.writeUTF(s.stream);
        out.writeUTF(s.target);
        out.writeUTF(s.origin == null ? "" : s.origin);
        out.writeDouble(s.frameRate);
        out.writeInt(s.width);
        out.writeInt(s.height);
        out.writeInt(s.segments);
        out.writeLong(s.frames);
        out.writeLong(s.lastTimestampMicros);
        out.writeLong(s.lastSequence);
      }
      return b.toByteArray();
    }

    @Override
    public StreamState deserialize(int version, byte[] bytes) throws IOException {
      if (version != 1) {
        throw new IOException("unknown video sink state version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        StreamState s = new StreamState();
        s.stream = in.readUTF();
        s.target = in.readUTF();
        String origin = in.readUTF();
        s.origin = origin.isEmpty() ? null : origin;
        s.frameRate = in.readDouble();
        s.width = in.readInt();
        s.height = in.readInt();
        s.segments = in.readInt();
        s.frames = in.readLong();
        s.lastTimestampMicros = in.readLong();
        s.lastSequence = in.readLong();
        return s;
      }
    }
  }

  /**
   * Version 2 adds the chunks left out of a chunked video and where its segments are (version
   * 1: none left out, segments beside the target).
   */
  public static final class Joins implements SimpleVersionedSerializer<Join> {
    @Override
    public int getVersion() {
      return 2;
    }

    @Override
    public byte[] serialize(Join j) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(b)) {
        out.writeUTF(j.target);
        out.writeUTF(j.container);
        out.writeUTF(j.audioFrom == null ? "" : j.audioFrom);
        out.writeInt(j.first);
        out.writeInt(j.segments);
        out.writeLong(j.frames);
        out.writeBoolean(j.keepSegments);
        out.writeInt(j.missing.length);
        for (int m : j.missing) {
          out.writeInt(m);
        }
        out.writeUTF(j.segmentDir == null ? "" : j.segmentDir);
      }
      return b.toByteArray();
    }

    @Override
    public Join deserialize(int version, byte[] bytes) throws IOException {
      if (version != 1 && version != 2) {
        throw new IOException("unknown video join version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        Join j = new Join();
        j.target = in.readUTF();
        j.container = in.readUTF();
        String a = in.readUTF();
        j.audioFrom = a.isEmpty() ? null : a;
        j.first = in.readInt();
        j.segments = in.readInt();
        j.frames = in.readLong();
        j.keepSegments = in.readBoolean();
        if (version >= 2) {
          j.missing = new int[in.readInt()];
          for (int i = 0; i < j.missing.length; i++) {
            j.missing[i] = in.readInt();
          }
          String dir = in.readUTF();
          j.segmentDir = dir.isEmpty() ? null : dir;
        }
        return j;
      }
    }
  }
}
