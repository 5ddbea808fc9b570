using System.Runtime.InteropServices;
using System.Text;

namespace Warden.Storage.Sqlite;

/// <summary>fsync of a file SQLite writes (its WAL), from a handle of our own, and of the directory that holds it.</summary>
internal static class DurableFile
{
    /// <summary>
    /// Flushes <paramref name="path"/> to disk; false when it does not exist. fsync acts on the file (the inode), not on the
    /// descriptor: it writes back every dirty page of the file, including those SQLite's own descriptors wrote, so a
    /// handle opened here covers their writes. The handle is opened anew for each flush, so it is always the file now at
    /// the path. Opening and closing it is harmless to SQLite: its POSIX locks are on the database and -shm files, never on
    /// the WAL, so closing a descriptor of the WAL releases none of them.
    /// </summary>
    public static bool TryFlush(string path)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            // Write access: Windows' FlushFileBuffers requires it; on Unix RandomAccess.FlushToDisk is fsync(2).
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        using (handle)
        {
            RandomAccess.FlushToDisk(handle);
        }

        return true;
    }

    /// <summary>
    /// Flushes a directory's entries, so a file created in it is found after a power loss (SQLite does the same once for a
    /// WAL it created). Nothing to do on Windows, where NTFS journals its metadata and a directory cannot be opened this way.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // .NET refuses to open a directory as a file, hence the system calls.
        var fd = Open(Encoding.UTF8.GetBytes(directory + "\0"), 0);
        if (fd < 0)
        {
            throw new IOException($"cannot open {directory} to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
