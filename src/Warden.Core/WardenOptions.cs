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
}
