using System.Text.Json;
using Warden.Core.Access;

namespace Warden.Edge;

/// <summary>
/// Reads the agent's local key file: a JSON array of keys shaped like the server's
/// (<c>[{"id":"app","name":"kiosk","role":"consumer","models":["*"],"secretHash":"&lt;sha256 hex of the secret&gt;",
/// "purposes":["credit-risk:underwriting"]}]</c>). Only hashes are stored, as on the server.
/// </summary>
public static class EdgeLocalKeys
{
    /// <summary>Parses and checks the file.</summary>
    /// <exception cref="InvalidDataException">The file is not a list of valid keys.</exception>
    public static IReadOnlyList<ApiKeyRecord> Read(string path)
    {
        List<ApiKeyRecord>? keys;
        try
        {
            keys = JsonSerializer.Deserialize(File.ReadAllBytes(path), EdgeWireJson.Default.ListApiKeyRecord);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"local key file '{path}' is not a JSON array of keys: {ex.Message}", ex);
        }

        return Check(keys ?? [], path);
    }

    /// <summary>Checks keys and fills in fields left out (no models, no purposes).</summary>
    public static IReadOnlyList<ApiKeyRecord> Check(IReadOnlyList<ApiKeyRecord> keys, string source)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new List<ApiKeyRecord>(keys.Count);
        foreach (var key in keys)
        {
            if (key is null || string.IsNullOrWhiteSpace(key.Id))
            {
                throw new InvalidDataException($"{source}: every key needs an id");
            }

            if (key.SecretHash is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower))
            {
                throw new InvalidDataException($"{source}: key '{key.Id}' needs secretHash, the lower-case SHA-256 hex of its secret");
            }

            if (!WardenRoles.IsValid(key.Role))
            {
                throw new InvalidDataException($"{source}: key '{key.Id}' has unknown role '{key.Role}'");
            }

            // Fields left out of the file bind to null; a key without a model list is scoped to no model.
            result.Add(key with { Name = key.Name ?? key.Id, Models = key.Models ?? [], Purposes = key.Purposes ?? [] });
        }

        return result;
    }
}
