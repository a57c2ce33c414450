"""The ICT Conditions of Use: versioned policies, acceptance and compliance."""
