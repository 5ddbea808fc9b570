namespace Warden.Core.Storage;

/// <summary>Checks on the data directory made before the server opens its store.</summary>
public static class DataDirectory
{
    /// <summary>
    /// Creates <paramref name="path"/> if needed and proves it writable with a probe file, so a read-only volume or a
    /// directory owned by another user fails with its path named instead of a SQLite error code deep in start-up.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be created or written; the message names the full path.</exception>
    public static string EnsureWritable(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, ".write-probe-" + Guid.NewGuid().ToString("N"));
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new IOException(
                $"the data directory '{full}' is not writable by this user ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')}); " +
                "give a writable --data-dir (Warden:DataDir) or make the directory writable", ex);
        }

        return full;
    }
}
