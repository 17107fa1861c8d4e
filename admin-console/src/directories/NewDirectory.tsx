import { useParams } from "react-router-dom";
import { pagesOf } from "./registry";

/** "Add directory": one wizard per directory type. */
export const NewDirectory = () => {
  const { type } = useParams();
  const Wizard = pagesOf(type).wizard;
  return <Wizard />;
};
