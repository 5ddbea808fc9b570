using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Warden.Bench.Serving;

/// <summary>
/// A binary-tensor request body (Triton's extension): the JSON header, then the tensor's bytes, written to the connection
/// straight from their buffers instead of being joined into one new array per request.
/// </summary>
internal sealed class BinaryTensorContent : HttpContent
{
    private readonly ReadOnlyMemory<byte> _header;
    private readonly ReadOnlyMemory<byte> _tensor;

    public BinaryTensorContent(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> tensor)
    {
        _header = header;
        _tensor = tensor;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Headers.Add("Inference-Header-Content-Length", header.Length.ToString(CultureInfo.InvariantCulture));
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_header);
        await stream.WriteAsync(_tensor);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _header.Length + _tensor.Length;
        return true;
    }
}
