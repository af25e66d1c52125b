//! The two KMIP 2.1 enumerations whose values come from PKCS#11 rather than
//! from the KMIP tables (KMIP 2.1 §11.38 and §11.39):
//!
//! * PKCS#11 Function: "the 1-based offset count of the function in the
//!   CK_FUNCTION_LIST_3_0 structure" — the function pointers in `pkcs11f.h`
//!   order, so `C_Initialize` is 1. Listed here: the 68 functions of the
//!   PKCS#11 v2.40 list, which v3.0 keeps as its prefix.
//! * PKCS#11 Return Code: the `CK_RV` values, named without the `CKR_` prefix
//!   as the OASIS PKCS11-M-1-21 transcript does (`OK`). Only common codes are
//!   named; any other value still round-trips as `0x`-hex.

use crate::ttlv::EnumDomain;

const FUNCTION_NAMES: [&str; 68] = [
    "C_Initialize",
    "C_Finalize",
    "C_GetInfo",
    "C_GetFunctionList",
    "C_GetSlotList",
    "C_GetSlotInfo",
    "C_GetTokenInfo",
    "C_GetMechanismList",
    "C_GetMechanismInfo",
    "C_InitToken",
    "C_InitPIN",
    "C_SetPIN",
    "C_OpenSession",
    "C_CloseSession",
    "C_CloseAllSessions",
    "C_GetSessionInfo",
    "C_GetOperationState",
    "C_SetOperationState",
    "C_Login",
    "C_Logout",
    "C_CreateObject",
    "C_CopyObject",
    "C_DestroyObject",
    "C_GetObjectSize",
    "C_GetAttributeValue",
    "C_SetAttributeValue",
    "C_FindObjectsInit",
    "C_FindObjects",
    "C_FindObjectsFinal",
    "C_EncryptInit",
    "C_Encrypt",
    "C_EncryptUpdate",
    "C_EncryptFinal",
    "C_DecryptInit",
    "C_Decrypt",
    "C_DecryptUpdate",
    "C_DecryptFinal",
    "C_DigestInit",
    "C_Digest",
    "C_DigestUpdate",
    "C_DigestKey",
    "C_DigestFinal",
    "C_SignInit",
    "C_Sign",
    "C_SignUpdate",
    "C_SignFinal",
    "C_SignRecoverInit",
    "C_SignRecover",
    "C_VerifyInit",
    "C_Verify",
    "C_VerifyUpdate",
    "C_VerifyFinal",
    "C_VerifyRecoverInit",
    "C_VerifyRecover",
    "C_DigestEncryptUpdate",
    "C_DecryptDigestUpdate",
    "C_SignEncryptUpdate",
    "C_DecryptVerifyUpdate",
    "C_GenerateKey",
    "C_GenerateKeyPair",
    "C_WrapKey",
    "C_UnwrapKey",
    "C_DeriveKey",
    "C_SeedRandom",
    "C_GenerateRandom",
    "C_GetFunctionStatus",
    "C_CancelFunction",
    "C_WaitForSlotEvent",
];

static RETURN_CODES: [(u32, &str); 10] = [
    (0x000, "OK"),
    (0x001, "CANCEL"),
    (0x002, "HOST_MEMORY"),
    (0x003, "SLOT_ID_INVALID"),
    (0x005, "GENERAL_ERROR"),
    (0x006, "FUNCTION_FAILED"),
    (0x007, "ARGUMENTS_BAD"),
    (0x054, "FUNCTION_NOT_SUPPORTED"),
    (0x190, "CRYPTOKI_NOT_INITIALIZED"),
    (0x191, "CRYPTOKI_ALREADY_INITIALIZED"),
];

/// The PKCS#11 Function enumeration.
pub fn function_domain() -> EnumDomain {
    static VALUES: std::sync::OnceLock<Vec<(u32, &'static str)>> = std::sync::OnceLock::new();
    let values = VALUES.get_or_init(|| {
        FUNCTION_NAMES
            .iter()
            .enumerate()
            .map(|(i, name)| (i as u32 + 1, *name))
            .collect()
    });
    EnumDomain {
        name: "PKCS#11 Function",
        is_mask: false,
        values,
    }
}

/// The PKCS#11 Return Code enumeration.
pub fn return_code_domain() -> EnumDomain {
    EnumDomain {
        name: "PKCS#11 Return Code",
        is_mask: false,
        values: &RETURN_CODES,
    }
}
