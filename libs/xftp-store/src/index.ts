// Populated by the XFTP work (issue 5).
export {};
