namespace Warden.Core.Tensors;

/// <summary>The tensor datatypes of the Open Inference Protocol.</summary>
public enum TensorDatatype
{
    /// <summary>Boolean.</summary>
    Bool,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64,
    /// <summary>Signed 8-bit integer.</summary>
    Int8,
    /// <summary>Signed 16-bit integer.</summary>
    Int16,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>Signed 64-bit integer.</summary>
    Int64,
    /// <summary>IEEE half precision.</summary>
    Fp16,
    /// <summary>IEEE single precision.</summary>
    Fp32,
    /// <summary>IEEE double precision.</summary>
    Fp64,
    /// <summary>Variable-length bytes, carried as strings in JSON.</summary>
    Bytes,
}
