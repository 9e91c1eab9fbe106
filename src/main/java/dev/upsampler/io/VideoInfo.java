package dev.upsampler.io;

/**
 * What a video source says about itself when opened. {@code frames} is the container's estimate
 * (-1 for live streams); {@code frameRate} is the nominal rate (timestamps are authoritative).
 */
public record VideoInfo(String source, String container, String codec, int width, int height,
    double frameRate, long frames, long durationMicros, boolean hasAudio, String audioCodec) {

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%s: %s/%s %dx%d %.3f fps%s%s", source, container,
        codec, width, height, frameRate, frames >= 0 ? ", ~" + frames + " frames" : "",
        hasAudio ? ", audio " + audioCodec : ", no audio");
  }
}
