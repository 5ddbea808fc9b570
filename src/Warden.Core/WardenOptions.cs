using System.ComponentModel.DataAnnotations;

namespace Warden.Core;

/// <summary>Top-level settings (<c>Warden</c> section).</summary>
public sealed class WardenOptions
{
    /// <summary>Directory for the SQLite store and model blobs. Default <c>./.warden</c>.</summary>
    [Required]
    public string DataDir { get; set; } = ".warden";

    /// <summary>Triton-style model repository loaded at start (<c>&lt;model&gt;/&lt;version&gt;/model.onnx</c> + <c>card.json</c>).
    /// When unset and the registry is empty, the bundled demo models are loaded.</summary>
    public string? ModelRepository { get; set; }

    /// <summary>Load the bundled demo models (credit-risk) into an empty registry. Default true.</summary>
    public bool LoadDemoModels { get; set; } = true;

    /// <summary>Bootstrap admin key; normally from the <c>WARDEN_ADMIN_KEY</c> environment variable.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Largest accepted request body in bytes (413 above). Default 32 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// Largest accepted model deployment (the multipart upload of an ONNX file, its card and background) in bytes, 413
    /// above. Separate from <see cref="MaxRequestBodyBytes"/>: model files are far larger than inference requests, and the
    /// upload is spooled to temporary files, not held in memory. Default 2 GiB (ONNX's protobuf limit).
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxModelUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest accepted configuration document in bytes: a pipeline (YAML or JSON) or a settings document. Checked before
    /// parsing, so a document never costs more than this to read. Default 1 MiB.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxDocumentBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Deepest accepted nesting of lists and mappings in a configuration document. YAML and JSON readers recurse once per
    /// level, so an unbounded depth (100 KB of <c>[</c>) would exhaust the stack and end the process. Default 64.
    /// </summary>
    [Range(1, 256)]
    public int MaxDocumentDepth { get; set; } = 64;
}
