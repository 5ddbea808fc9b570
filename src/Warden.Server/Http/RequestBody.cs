using System.Buffers;
using Warden.Core;

namespace Warden.Server.Http;

/// <summary>Reads a request body into memory, refusing (413) anything larger than the configured limit.</summary>
public static class RequestBody
{
    /// <summary>Reads the whole body; the returned buffer is pooled and must be returned with <see cref="Return"/>.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadAsync(HttpRequest request, long maxBytes)
    {
        var declared = request.ContentLength;
        if (declared > maxBytes)
        {
            throw new WardenException(StatusCodes.Status413PayloadTooLarge, $"request body of {declared} bytes exceeds the limit of {maxBytes} bytes");
        }

        if (declared is >= LargeBody and < int.MaxValue)
        {
            return await ReadDeclaredAsync(request, (int)declared.Value);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is > 0 and < int.MaxValue ? (int)declared.Value : 4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= maxBytes)
                    {
                        throw new WardenException(StatusCodes.Status413PayloadTooLarge, $"request body exceeds the limit of {maxBytes} bytes");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    throw new WardenException(StatusCodes.Status413PayloadTooLarge, $"request body exceeds the limit of {maxBytes} bytes");
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    // A body this large (binary tensors: one 224x224 FP32 image is 602 KB) is read in chunks of at least Chunk bytes:
    // Kestrel receives in 4 KiB blocks, and reading whatever is there wakes this method once per block.
    private const long LargeBody = 64 * 1024;
    private const int Chunk = 256 * 1024;

    private static async Task<(byte[] Buffer, int Length)> ReadDeclaredAsync(HttpRequest request, int declared)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(declared);
        var length = 0;
        var reader = request.BodyReader;
        try
        {
            while (length < declared)
            {
                var result = await reader.ReadAtLeastAsync(Math.Min(declared - length, Chunk), request.HttpContext.RequestAborted);
                var data = result.Buffer.Length > declared - length ? result.Buffer.Slice(0, declared - length) : result.Buffer;
                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted && length < declared)
                {
                    break;
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Returns a buffer from <see cref="ReadAsync"/> to the pool.</summary>
    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);
}
