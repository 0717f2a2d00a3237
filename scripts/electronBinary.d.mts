/** The installed Electron executable, or null when its binary was never downloaded. */
export function installedElectron(): string | null;
